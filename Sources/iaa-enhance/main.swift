import IAACLI

IAAEnhanceCommand.run()
