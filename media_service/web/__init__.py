"""What browsers load directly: HTML pages and stored files."""
