"""Multi-step conversations: bookings (requester side) and the staff desk."""
