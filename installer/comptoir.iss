; Inno Setup script: installs the folder built by installer/build.sh (run on Windows).
#define AppVersion "0.1.0"

[Setup]
AppId={{6C1E0F2A-5B7D-4C5E-9B3F-2D3A4E5F6071}
AppName=Comptoir
AppVersion={#AppVersion}
AppPublisher=Comptoir
DefaultDirName={autopf}\Comptoir
DefaultGroupName=Comptoir
OutputBaseFilename=Comptoir-{#AppVersion}-installation
SetupIconFile=..\resources\icons\comptoir.ico
Compression=lzma2
SolidCompression=yes
PrivilegesRequired=lowest
ShowLanguageDialog=no

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Files]
Source: "..\dist\comptoir\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\Comptoir"; Filename: "{app}\tiers-lieu.exe"
Name: "{autodesktop}\Comptoir"; Filename: "{app}\tiers-lieu.exe"; Tasks: desktopicon

[Tasks]
Name: "desktopicon"; Description: "Créer une icône sur le bureau"; Flags: unchecked

[Run]
Filename: "{app}\tiers-lieu.exe"; Parameters: "--smoke-test"; Flags: runhidden waituntilterminated; StatusMsg: "Vérification du démarrage…"
Filename: "{app}\tiers-lieu.exe"; Description: "Ouvrir Comptoir"; Flags: postinstall nowait skipifsilent
