"""`jobingest gateway`: HTTP ingestion for scrapers without a Kafka client, and job search."""
