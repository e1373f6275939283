//! The payment QR code drawn: SVG for the screen, PNG for the email and the download. The
//! payload itself (EMVCo merchant-presented, built and parsed) is `domain::emv`.

use super::config::QrSettings;
use crate::domain::{
    emv::{self, EmvError, MerchantAccount, PaymentPayload},
    money::Money,
};

/// The payload for paying `amount` on `policy_number` (the bill number the payer's bank app
/// sends back, so the payment lands on the right policy). The merchant data fits the EMV limits
/// because [`QrSettings::check`] refused anything else at start-up; an amount must be due.
pub fn payload(qr: &QrSettings, amount: Money, policy_number: &str) -> Result<String, EmvError> {
    PaymentPayload {
        account: MerchantAccount {
            tag: qr.merchant_account_tag,
            guid: qr.merchant_account_guid.clone(),
            merchant_id: qr.merchant_id.clone(),
        },
        merchant_category_code: qr.merchant_category_code.clone(),
        amount,
        merchant_name: qr.merchant_name.clone(),
        merchant_city: qr.merchant_city.clone(),
        bill_number: emv::bill_number(policy_number),
    }
    .encode()
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
    fn the_configured_merchant_goes_into_the_payload() {
        let p = payload(&QrSettings::default(), Money::from_cents(449_129), "LIB/C7013").unwrap();
        let parsed = PaymentPayload::parse(&p).unwrap();
        assert_eq!(parsed.account.merchant_id, "DEMO-MERCHANT-0001");
        assert_eq!(parsed.bill_number, "LIB/C7013");
        assert_eq!(parsed.amount, Money::from_cents(449_129));
    }

    #[test]
    fn images_encode_the_payload() {
        let p = payload(&QrSettings::default(), Money::from_cents(100), "X/1").unwrap();
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
