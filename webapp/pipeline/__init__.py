"""Scraping -> Analysis -> Finalizing. Imports nothing from routes or jobs."""
