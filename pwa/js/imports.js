// The file picked for import, kept between Settings (where it is chosen) and the Import screen
// (preview, choices, commit). Nothing is stored: the server re-reads the file on commit.
let picked = null; // {file, unit}

export const pickImport = (file, unit) => (picked = { file, unit });
export const pickedImport = () => picked;
export const clearImport = () => (picked = null);
