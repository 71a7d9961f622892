"""The LINE front end: an aiohttp webhook server (app), event handling (events), structured answers as Flex
messages (render), calculator step flows (flows), signed postback data (buttons), the Messaging API client (api)
and the rich menu (richmenu)."""
