"System tests of crm_plus: the README's set-up and the web client in a browser."
