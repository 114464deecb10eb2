"""What is offered and asked: regions, the expertise taxonomy, vendors (SMEs) and their profiles' visibility,
challenges and their lifecycle, the catalogue import and export, and their REST API.

May import hub; never matching or frontend (matching answers marketplace's signals instead)."""
