"""The answering core: knowledge base, matching, calculators' routing and answer building. No Telegram, no database."""
