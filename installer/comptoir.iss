; Inno Setup script: installs the folder that installer/comptoir.spec builds on Windows
; (dist\comptoir\: tiers-lieu.exe for the window, tiers-lieu-console.exe for the command line).
; Compiled by .github/workflows/installers.yml, which passes /DAppVersion= the package's
; version; the default below must stay equal to tiers_lieu.__version__ (a test checks it).
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6C1E0F2A-5B7D-4C5E-9B3F-2D3A4E5F6071}
AppName=Comptoir
AppVersion={#AppVersion}
AppPublisher=Comptoir
DefaultDirName={autopf}\Comptoir
DefaultGroupName=Comptoir
OutputDir=..\dist
OutputBaseFilename=Comptoir-{#AppVersion}-installation
SetupIconFile=..\resources\icons\comptoir.ico
UninstallDisplayIcon={app}\tiers-lieu.exe
Compression=lzma2
SolidCompression=yes
; One person's installation, without administrator rights (the data stay in their profile).
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
ShowLanguageDialog=no

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
Name: "desktopicon"; Description: "Créer une icône sur le bureau"; Flags: unchecked

[Files]
Source: "..\dist\comptoir\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[InstallDelete]
; A new version's bundle replaces the old one whole: no library of the previous one stays.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\Comptoir"; Filename: "{app}\tiers-lieu.exe"
Name: "{autodesktop}\Comptoir"; Filename: "{app}\tiers-lieu.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\tiers-lieu.exe"; Description: "Ouvrir Comptoir"; Flags: postinstall nowait skipifsilent
