"""Nynorsk formats where Fremdrift writes dates differently from Django's: short dates as 1.12.2026
(as in bokmål, `j.n.Y`), not 01.12.2026. Everything else comes from Django's nn formats."""

SHORT_DATE_FORMAT = "j.n.Y"
SHORT_DATETIME_FORMAT = "j.n.Y H:i"
