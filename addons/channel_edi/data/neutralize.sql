-- A copied database must not send files to partners' production endpoints.
UPDATE trading_partner_endpoint
   SET active = false
 WHERE environment = 'production';
