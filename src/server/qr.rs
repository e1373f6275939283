//! The payment QR code: an EMVCo merchant-presented payload (the standard behind Mauritius'
//! national QR), drawn as SVG for the screen and PNG for the email.
//!
//! Each data object is `ID` (2 digits) `length` (2 digits) `value`; the payload ends with the
//! CRC-16/CCITT-FALSE of everything before it, `6304` included.

use super::config::QrSettings;
use crate::domain::money::Money;

/// CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF), called CRC-16/IBM-3740 in the catalogue.
const CRC: crc::Crc<u16> = crc::Crc::<u16>::new(&crc::CRC_16_IBM_3740);

const MAX_BILL_NUMBER: usize = 25;

fn push(out: &mut String, id: &str, value: &str) {
    debug_assert!(value.len() <= 99, "EMV data objects hold at most 99 characters");
    out.push_str(id);
    out.push_str(&format!("{:02}", value.len()));
    out.push_str(value);
}

/// The payload for paying `amount` on `policy_number` (the bill number the payer's bank app
/// sends back, so the payment lands on the right policy). The merchant data fits the EMV limits
/// because [`QrSettings::check`] refused anything else at start-up.
pub fn payload(qr: &QrSettings, amount: Money, policy_number: &str) -> String {
    let mut account = String::new();
    push(&mut account, "00", &qr.merchant_account_guid);
    push(&mut account, "01", &qr.merchant_id);
    let bill: String = policy_number
        .chars()
        .filter(|c| c.is_ascii() && !c.is_ascii_control())
        .take(MAX_BILL_NUMBER)
        .collect();
    let mut additional = String::new();
    push(&mut additional, "01", &bill);

    let mut out = String::with_capacity(160);
    push(&mut out, "00", "01"); // payload format indicator
    push(&mut out, "01", "12"); // dynamic: this code is for one payment
    push(&mut out, &format!("{:02}", qr.merchant_account_tag), &account);
    push(&mut out, "52", &qr.merchant_category_code);
    push(&mut out, "53", "480"); // ISO 4217 MUR
    push(&mut out, "54", &amount.plain());
    push(&mut out, "58", "MU");
    push(&mut out, "59", &qr.merchant_name);
    push(&mut out, "60", &qr.merchant_city);
    push(&mut out, "62", &additional);
    out.push_str("6304");
    let crc = CRC.checksum(out.as_bytes());
    out.push_str(&format!("{crc:04X}"));
    out
}

/// Level M (15 % of the code may be damaged): what banking apps expect of payment codes.
fn code(payload: &str) -> Result<qrcode::QrCode, qrcode::types::QrError> {
    qrcode::QrCode::with_error_correction_level(payload, qrcode::EcLevel::M)
}

/// The code as an SVG element (scales to any screen; no image request).
pub fn svg(payload: &str) -> Result<String, qrcode::types::QrError> {
    let code = code(payload)?;
    let document =
        code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(240, 240).quiet_zone(true).build();
    // Inline in HTML, so without the XML declaration.
    Ok(document.find("<svg").map_or(document.clone(), |at| document[at..].to_owned()))
}

/// The code as a PNG (mail clients do not all show SVG), `scale` pixels per module.
pub fn png(payload: &str, scale: u32) -> Result<Vec<u8>, String> {
    let code = code(payload).map_err(|e| e.to_string())?;
    const QUIET: u32 = 4;
    let modules = code.width() as u32;
    let side = (modules + 2 * QUIET) * scale;
    let colors = code.to_colors();
    let mut pixels = vec![255u8; (side * side) as usize];
    for (i, color) in colors.iter().enumerate() {
        if *color != qrcode::Color::Dark {
            continue;
        }
        let (mx, my) = (i as u32 % modules + QUIET, i as u32 / modules + QUIET);
        for y in my * scale..(my + 1) * scale {
            let row = (y * side) as usize;
            pixels[row + (mx * scale) as usize..row + ((mx + 1) * scale) as usize].fill(0);
        }
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&pixels).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_is_ccitt_false() {
        // The catalogue's check value for CRC-16/CCITT-FALSE.
        assert_eq!(CRC.checksum(b"123456789"), 0x29B1);
    }

    #[test]
    fn payload_has_every_field_and_a_valid_crc() {
        let qr = QrSettings::default();
        let p = payload(&qr, Money::from_cents(449_129), "LIB/C7013");
        assert!(p.starts_with("000201010212"), "{p}");
        assert!(p.contains("26350009mu.maucas0118DEMO-MERCHANT-0001"), "{p}");
        assert!(p.contains("52046300") && p.contains("5303480") && p.contains("54074491.29"), "{p}");
        assert!(p.contains("5802MU5919Demo Life Insurance6010Port Louis"), "{p}");
        assert!(p.contains("62130109LIB/C7013"), "{p}");
        let (body, crc) = p.split_at(p.len() - 4);
        assert!(body.ends_with("6304"));
        assert_eq!(crc, format!("{:04X}", CRC.checksum(body.as_bytes())));
    }

    #[test]
    fn images_encode_the_payload() {
        let p = payload(&QrSettings::default(), Money::from_cents(100), "X/1");
        assert!(svg(&p).unwrap().starts_with("<svg"));
        // The emailed image decodes back to the payload (rqrr is a QR reader).
        let bytes = png(&p, 4).unwrap();
        let mut reader = png::Decoder::new(std::io::Cursor::new(bytes)).read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut pixels).unwrap();
        let (w, h) = (info.width as usize, info.height as usize);
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
        let grids = image.detect_grids();
        assert_eq!(grids.len(), 1);
        assert_eq!(grids[0].decode().unwrap().1, p);
    }
}
