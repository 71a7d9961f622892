"""Front ends other than Telegram: the command line and the console chat."""
