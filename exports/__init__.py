"""Files a person downloads (purchase suggestions, grid and Explore exports): built from
result frames, with no UI code, so the pages, the CLI and (next) alert mails share them.
"""
