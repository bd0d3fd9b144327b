-- a copied database must not release orders to a real warehouse
UPDATE integration_backend SET active = false WHERE backend_type = 'tpl';
