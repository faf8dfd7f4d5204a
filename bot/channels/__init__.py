"""Channel adapters: LINE (and the web widget) turn platform events into ``Inbound`` turns."""
