"""Activity report: indicator computation (pure) and renderers (PDF, XLSX, CSV)."""
