"""The one database: tables, migrations, the retrying transaction, conversations, keys."""
