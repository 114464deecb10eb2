"""Forms of the pages, one module per audience. They validate with the models' validators and the services, like the API."""
