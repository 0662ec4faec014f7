import LumiereCLI
LumiereCommand.main()
