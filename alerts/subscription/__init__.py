"""The parts of a subscription message (alerts/subscription_message.py builds it): numbers,
tile rows, charts, attachments, and the text, markdown, HTML and data it is written as."""
