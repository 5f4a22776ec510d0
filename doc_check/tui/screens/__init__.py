"""Screens of the trainee UI."""
