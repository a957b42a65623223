//! Random tokens and their stored hashes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// A new random token: 32 bytes, base64url without padding.
pub fn new_token() -> String {
    let mut b = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut b);
    URL_SAFE_NO_PAD.encode(b)
}

/// What the hub keeps of a token: lowercase hex SHA-256.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Letters and digits of enrolment codes, without look-alikes (0/O, 1/I/L).
const CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// A new enrolment code: 4 groups of 4, e.g. `K7QM-2XTA-9PRW-HC4N` (about 79 bits).
pub fn new_enrolment_code() -> String {
    let mut out = String::with_capacity(19);
    for i in 0..16 {
        if i > 0 && i % 4 == 0 {
            out.push('-');
        }
        let idx = (rand::rngs::OsRng.next_u32() as usize) % CODE_ALPHABET.len();
        out.push(char::from(CODE_ALPHABET[idx]));
    }
    out
}

/// An enrolment code as typed (any case, spaces or dashes) reduced to its letters and digits.
pub fn normalise_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enrolment_codes_normalise_as_typed() {
        let c = new_enrolment_code();
        assert_eq!(c.len(), 19);
        let typed = c.to_lowercase().replace('-', " ");
        assert_eq!(normalise_code(&typed), normalise_code(&c));
        assert_ne!(new_token(), new_token());
        assert_eq!(token_hash("a").len(), 64);
    }
}
