; Inno Setup script: a per-user installer for the onedir bundle in dist\creditdesk\.
;   iscc /DAppVersion=0.1.0 packaging\windows\creditdesk.iss   ->  dist\CreditDesk-0.1.0-setup.exe
; The CI workflow passes the version from creditdesk/__init__.py.
;
; Company files are SQLite files named *.sqlite, an extension other programs use too. So
; CreditDesk registers a ProgID and lists itself under "Open with" for .sqlite (OpenWithProgids)
; instead of taking over the extension: double-clicking keeps opening whatever the user chose.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#define AppName "CreditDesk"
#define AppExe "CreditDesk.exe"
#define ProgId "CreditDesk.CompanyFile"

[Setup]
; A fixed AppId ties upgrades and the uninstaller to the same installation. Never change it.
AppId={{6F0D3B0E-2C55-4D8A-9E55-3C1F4A0B7D21}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=CreditDesk
AppVerName={#AppName} {#AppVersion}
; Per user: no administrator rights, installs under %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
SourceDir=..\..
OutputDir=dist
OutputBaseFilename=CreditDesk-{#AppVersion}-setup
SetupIconFile=resources\icons\creditdesk.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Tell Explorer the "Open with" list changed.
ChangesAssociations=yes
; An upgrade replaces the files of a running copy only after it is closed.
CloseApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
; The whole bundle; an upgrade first removes the old _internal (below) so no stale library lingers.
Source: "dist\creditdesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{group}\Uninstall {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; HKA is HKCU for a per-user install (HKLM if an administrator chose "all users").
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueData: "CreditDesk company file"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueData: """{app}\{#AppExe}"" --db ""%1"" gui"
Root: HKA; Subkey: "Software\Classes\.sqlite\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".sqlite"; ValueData: ""; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

; The company files, backups and settings live in the user's data folder, not in {app}:
; uninstalling never deletes anyone's books.
