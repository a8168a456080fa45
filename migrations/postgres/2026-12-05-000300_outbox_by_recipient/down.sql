DROP INDEX outbox_recipient_template;
