from . import trading_partner_inspector
