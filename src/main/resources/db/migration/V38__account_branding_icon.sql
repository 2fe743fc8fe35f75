-- The square mark shown where the logo does not fit (the portal's tab icon, small headers).
ALTER TABLE account_branding ADD COLUMN icon_url text;
