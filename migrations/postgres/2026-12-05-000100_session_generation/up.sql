-- Raised to end every session of the account (sign-out, password reset):
-- a session cookie carries the value it was started with and counts only
-- while they match, so a copied cookie dies with the sign-out.
ALTER TABLE users ADD COLUMN session_generation INTEGER NOT NULL DEFAULT 0;
