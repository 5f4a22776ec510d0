"""The trainee's terminal UI (Textual): the picker, examine, feedback, history and help screens."""
