"""Social profile analyzer: audits creators on Instagram, TikTok and YouTube for marketers."""
