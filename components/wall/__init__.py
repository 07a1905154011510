"""Wall screens (数字大屏): parameters, frame, tiles, trend, alert ticker, refresh."""
