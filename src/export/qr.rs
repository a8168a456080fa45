//! QR codes, drawn as SVG path data: each row's runs of dark modules as
//! rectangles one module high, in a square of modules that a `viewBox`
//! scales to any size, on screen or on paper.

use qrcode::{Color, EcLevel, QrCode};

/// The blank border, in modules, that readers need around a code.
const QUIET_ZONE: usize = 4;

/// A QR code ready to draw: a square `size` modules wide (border included)
/// and the path of its dark modules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Qr {
    pub size: usize,
    pub path: String,
}

/// A QR code as runs of dark modules, for any drawing surface (SVG here,
/// PDF in `crate::pdf`): a square `size` modules wide (border included).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Modules {
    pub size: usize,
    pub runs: Vec<Run>,
}

/// `length` dark modules from column `x` of row `y`, border included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Run {
    pub x: usize,
    pub y: usize,
    pub length: usize,
}

/// `text` as a QR code at level M (a smudged printout still reads); `None`
/// when it is too long for any QR code.
pub fn modules(text: &str) -> Option<Modules> {
    let code = QrCode::with_error_correction_level(text, EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let mut runs = Vec::new();
    for (y, row) in colors.chunks(width).enumerate() {
        let mut x = 0;
        while x < width {
            if row[x] == Color::Dark {
                let length = row[x..].iter().take_while(|&&c| c == Color::Dark).count();
                runs.push(Run {
                    x: x + QUIET_ZONE,
                    y: y + QUIET_ZONE,
                    length,
                });
                x += length;
            } else {
                x += 1;
            }
        }
    }
    Some(Modules {
        size: width + 2 * QUIET_ZONE,
        runs,
    })
}

/// `text` as an SVG path of its dark modules (see [`modules`]).
pub fn qr(text: &str) -> Option<Qr> {
    let modules = modules(text)?;
    let mut path = String::new();
    for Run { x, y, length } in modules.runs {
        path.push_str(&format!("M{x} {y}h{length}v1h-{length}z"));
    }
    Some(Qr {
        size: modules.size,
        path,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_dark_module_is_drawn_once_inside_the_border() {
        let text = "https://bimtek.example.id/checkin/0195f2c4-7a3b-7c1d-9e2f-0a1b2c3d4e5f";
        let code = QrCode::with_error_correction_level(text, EcLevel::M).unwrap();
        let dark = code
            .to_colors()
            .iter()
            .filter(|&&c| c == Color::Dark)
            .count();
        let drawing = qr(text).unwrap();
        assert_eq!(drawing.size, code.width() + 8);
        let drawn: usize = drawing
            .path
            .split('M')
            .skip(1)
            .map(|run| {
                let width = run.split('h').nth(1).unwrap().split('v').next().unwrap();
                width.parse::<usize>().unwrap()
            })
            .sum();
        assert_eq!(drawn, dark);
        // The top-left finder pattern: seven dark modules, then light.
        assert!(drawing.path.starts_with("M4 4h7v1h-7z"), "{}", drawing.path);
        assert_eq!(qr(text), Some(drawing), "the same text, the same drawing");
    }

    #[test]
    fn text_too_long_for_a_qr_code_has_none() {
        assert_eq!(qr(&"x".repeat(3000)), None);
    }
}
