"""Text for people: the terminal report of a kata, the loss curve, the shared rich console."""
