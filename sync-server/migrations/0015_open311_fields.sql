-- What an Open311 client sent beside the case itself, answered back in its own fields
-- (GeoReport v2: address_string, address_id, zipcode, media_url) instead of being folded into
-- the description. Public, unlike case_contacts.
CREATE TABLE open311_fields (
    doc_id         BLOB PRIMARY KEY REFERENCES docs(id),
    address_string TEXT,
    address_id     TEXT,
    zipcode        TEXT,
    media_url      TEXT
) WITHOUT ROWID;
