"""The widgets of the inbox screen. They read from the inbox and draw; they hold no logic."""
