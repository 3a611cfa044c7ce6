import { useId, useMemo, useState } from 'react';
import { formatDuration } from '../../lib/format';
import { useOrg } from '../../lib/session';
import type { GcodeFile } from '../../lib/api/views';
import { filamentOf, thumbnailOf } from './queue-format';

/** How many matches the picker lists at once; the search narrows hundreds of files down. */
const SHOWN = 60;

function matches(file: GcodeFile, needle: string): boolean {
  if (!needle) return true;
  const { metadata } = file;
  return [file.name, metadata.slicer ?? '', metadata.material ?? '', ...metadata.materials]
    .join(' ')
    .toLowerCase()
    .includes(needle);
}

/** The job form's file choice: search by name, slicer or material, with each file's thumbnail and estimates. */
export function FilePicker({
  files,
  value,
  onChange,
  error,
}: {
  files: GcodeFile[];
  value: string;
  onChange: (fileId: string) => void;
  error?: string | null;
}) {
  const { org } = useOrg();
  const [search, setSearch] = useState('');
  const id = useId();
  const needle = search.trim().toLowerCase();
  const found = useMemo(() => files.filter((file) => matches(file, needle)), [files, needle]);
  const chosen = files.find((file) => file.id === value);
  // The chosen file stays listed whatever the search says, so the choice is always visible.
  const shown = [...(chosen && !found.slice(0, SHOWN).includes(chosen) ? [chosen] : []), ...found.slice(0, SHOWN)];

  return (
    <fieldset className="fieldset file-picker span-rest" aria-describedby={error ? `${id}-error` : undefined}>
      <legend>File</legend>
      <input
        type="search"
        className="input"
        aria-label="Search files"
        placeholder={`Search ${files.length} files by name, slicer or material`}
        value={search}
        onChange={(event) => setSearch(event.target.value)}
      />
      <div className="file-options" role="radiogroup" aria-label="File">
        {shown.length === 0 && <p className="muted small">No file matches “{search}”.</p>}
        {shown.map((file) => {
          const thumbnail = thumbnailOf(org.id, file);
          return (
            <label key={file.id} className={`file-option${file.id === value ? ' is-chosen' : ''}`}>
              <input
                type="radio"
                name={`${id}-file`}
                value={file.id}
                checked={file.id === value}
                onChange={() => onChange(file.id)}
              />
              {thumbnail ? (
                <img className="file-thumb" src={thumbnail} alt="" loading="lazy" width={40} height={40} />
              ) : (
                <span className="file-thumb file-thumb-empty" aria-hidden="true" />
              )}
              <span className="file-option-text">
                <span className="strong">{file.name}</span>
                <span className="muted small">
                  {[
                    formatDuration(file.metadata.estimatedTimeSeconds),
                    filamentOf(file),
                    file.metadata.materials.join(', ') || file.metadata.material,
                  ]
                    .filter((part) => part && part !== '—')
                    .join(' · ')}
                </span>
              </span>
            </label>
          );
        })}
        {found.length > SHOWN && <p className="muted small">{found.length - SHOWN} more: narrow the search.</p>}
      </div>
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </fieldset>
  );
}
