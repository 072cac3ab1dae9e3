"""ffmpeg work for Tolk: probing, caption files, ffmpeg argument builders and one runner.

This package never imports ``media_service``: it is a library that turns data into
ffmpeg argument lists (pure functions) and runs them (``transcode.runner``).
"""
