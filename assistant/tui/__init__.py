"""The Textual terminal UI: `app.py` (the App), `screens/`, `widgets/`, `services.py`."""
