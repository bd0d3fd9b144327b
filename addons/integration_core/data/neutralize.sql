-- A copied database must not talk to production systems.
UPDATE integration_backend
   SET environment = 'sandbox',
       active = false,
       webhook_token = md5(random()::text || id::text);
UPDATE integration_credential
   SET value_encrypted = NULL;
UPDATE integration_flow
   SET policy = 'off';
