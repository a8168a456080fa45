-- The hourly allowance of unsolicited e-mail counts by address and kind.
CREATE INDEX outbox_recipient_template ON outbox (recipient, template, created_at);
