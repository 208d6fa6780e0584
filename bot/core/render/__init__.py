"""Renderers: plain functions from data to the text or `Reply` users and staff read, shared by
the conversation flows, the staff commands and the scheduled pushes (and next the staff desk
and the PDF documents). They load nothing and change nothing."""
