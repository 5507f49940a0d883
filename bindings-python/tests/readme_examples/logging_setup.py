import logging

logging.basicConfig(format="%(asctime)s %(name)s %(levelname)s %(message)s")
logging.getLogger("omi_push").setLevel(logging.DEBUG)  # token refreshes and retries
