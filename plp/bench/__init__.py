"""What `manage.py benchmark` generates and compares against (not used by the app)."""
