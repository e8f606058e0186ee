// placeholder so that the module configures; replaced by the real sources.
