"""Server-rendered pages, one module per audience: public, account, vendor (SME), ministry, coordinator.

Views call the same selectors and services as the API; they never build queries themselves."""
