//! Is this upload a recording? Judged by its bytes with `infer` (the name and the declared
//! content type are the client's word, not proof).

/// The audio formats phones record calls in, as (content type we serve it with, extension).
/// MP4-family and WebM containers are accepted as audio: an audio-only `.m4a` or `.webm` has the
/// same signature as a video, and a phone's call recorder writes no video.
pub fn recognise(head: &[u8]) -> Option<(&'static str, &'static str)> {
    let mut detector = infer::Infer::new();
    detector.add("audio/3gpp", "3gp", is_3gp);
    let kind = detector.get(head)?;
    Some(match kind.extension() {
        "mp3" => ("audio/mpeg", "mp3"),
        "m4a" | "mp4" | "m4v" | "mov" => ("audio/mp4", "m4a"),
        "aac" => ("audio/aac", "aac"),
        "amr" => ("audio/amr", "amr"),
        "3gp" => ("audio/3gpp", "3gp"),
        "ogg" => ("audio/ogg", "ogg"),
        "opus" => ("audio/ogg", "opus"),
        "wav" => ("audio/wav", "wav"),
        "webm" | "mkv" => ("audio/webm", "webm"),
        "flac" => ("audio/flac", "flac"),
        _ => return None,
    })
}

/// 3GPP (`ftyp3gp4`, `3gp5`, `3gp6`, `3gpp`, `3g2a`…): Android's classic recorder format,
/// which `infer` does not know.
fn is_3gp(buf: &[u8]) -> bool {
    buf.len() > 11 && &buf[4..8] == b"ftyp" && &buf[8..10] == b"3g"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(brand: &[u8; 4]) -> Vec<u8> {
        let mut v = vec![0, 0, 0, 0x18];
        v.extend_from_slice(b"ftyp");
        v.extend_from_slice(brand);
        v.extend_from_slice(&[0; 16]);
        v
    }

    #[test]
    fn recordings_are_recognised_by_their_bytes() {
        let mut wav = b"RIFF\x24\x00\x00\x00WAVEfmt ".to_vec();
        wav.extend_from_slice(&[0; 20]);
        assert_eq!(recognise(&wav), Some(("audio/wav", "wav")));
        assert_eq!(recognise(b"ID3\x04\x00\x00\x00\x00\x00\x00"), Some(("audio/mpeg", "mp3")));
        assert_eq!(recognise(b"#!AMR\n\x3c\x00\x00\x00\x00\x00\x00\x00"), Some(("audio/amr", "amr")));
        assert_eq!(recognise(&ftyp(b"M4A ")), Some(("audio/mp4", "m4a")));
        assert_eq!(recognise(&ftyp(b"3gp4")), Some(("audio/3gpp", "3gp")));
        assert_eq!(recognise(&ftyp(b"isom")), Some(("audio/mp4", "m4a")));
    }

    #[test]
    fn other_files_are_not_audio() {
        assert_eq!(recognise(b"%PDF-1.7\n"), None);
        assert_eq!(recognise(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"), None);
        assert_eq!(recognise(b"just some text, not a recording"), None);
        assert_eq!(recognise(b""), None);
    }
}
