"""The staff desk: web pages under /desk on the bot's own HTTP server, over the same services
as the chat (calendar, requests, visits, conversations, reports). Server-rendered Jinja2, a
little JavaScript for live transcripts; forms work without it."""
