import { CAMERA_LIMITS, type CameraFrameMessage, type CameraWallAnswer } from '@farmhand/dashboard-messages';
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { Notice, PageHeader } from '../../components/ui';
import { useFleets } from '../../lib/fleets';
import { useLive, useLiveStore } from '../../lib/live';
import { Link, replaceSearchParam, useLocation } from '../../lib/router';
import { useOrg } from '../../lib/session';

/** The latest tile per printer as an object URL; each tile re-renders alone when its own picture changes. */
class TileStore {
  private readonly urls = new Map<string, string>();
  private readonly listeners = new Map<string, Set<() => void>>();

  put(tile: CameraFrameMessage): void {
    const next = URL.createObjectURL(new Blob([tile.jpeg as BlobPart], { type: 'image/jpeg' }));
    const previous = this.urls.get(tile.printerId);
    if (previous) URL.revokeObjectURL(previous);
    this.urls.set(tile.printerId, next);
    for (const listener of this.listeners.get(tile.printerId) ?? []) listener();
  }

  subscribe(printerId: string, listener: () => void): () => void {
    let set = this.listeners.get(printerId);
    if (!set) this.listeners.set(printerId, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  get(printerId: string): string | null {
    return this.urls.get(printerId) ?? null;
  }

  clear(): void {
    for (const url of this.urls.values()) URL.revokeObjectURL(url);
    this.urls.clear();
  }
}

function Tile({ store, printerId, name, to }: { store: TileStore; printerId: string; name: string; to: string }) {
  const subscribe = useMemo(() => (listener: () => void) => store.subscribe(printerId, listener), [store, printerId]);
  const url = useSyncExternalStore(subscribe, () => store.get(printerId));
  return (
    <li className="camera-tile">
      <Link to={to} aria-label={`Watch ${name} live`}>
        {url ? <img src={url} alt={`Camera of ${name}`} /> : <span className="muted">No picture yet</span>}
        <span className="camera-tile-name">{name}</span>
      </Link>
    </li>
  );
}

/**
 * Every printer (or one fleet) as camera tiles at 1 fps, downscaled by the api; a click goes to the printer's live
 * view. The server streams only the cameras shown here, and only while the page is open.
 */
export function CameraWallPage() {
  const { org } = useOrg();
  const fleets = useFleets();
  const { printers, loaded } = useLive();
  const store = useLiveStore();
  const { search } = useLocation();
  const fleet = search.get('fleet') ?? '';
  const [answer, setAnswer] = useState<CameraWallAnswer | null>(null);
  const tiles = useMemo(() => new TileStore(), []);
  const shown = useMemo(
    () => printers.filter((printer) => !fleet || printer.fleetId === fleet).slice(0, CAMERA_LIMITS.maxWallTiles),
    [printers, fleet],
  );
  const ids = shown.map((printer) => printer.id).join(',');

  useEffect(() => {
    if (!ids) return;
    return store.watchWall(ids.split(','), CAMERA_LIMITS.wallFps, (tile) => tiles.put(tile), setAnswer);
  }, [store, tiles, ids]);
  useEffect(() => () => tiles.clear(), [tiles]);

  const total = printers.filter((printer) => !fleet || printer.fleetId === fleet).length;
  return (
    <div className="page">
      <PageHeader
        title="Cameras"
        subtitle={`${shown.length} of ${total} printers · ${CAMERA_LIMITS.wallFps} frame per second`}
        actions={
          <label>
            Fleet{' '}
            <select value={fleet} onChange={(event) => replaceSearchParam('fleet', event.target.value)}>
              <option value="">All fleets</option>
              {fleets.list.map((item) => (
                <option key={item.id} value={item.id}>
                  {item.name}
                </option>
              ))}
            </select>
          </label>
        }
      />
      {answer && !answer.ok && <Notice tone="error">{answer.error.message}</Notice>}
      {total > shown.length && (
        <Notice tone="info">Showing the first {shown.length}; pick a fleet to see the others.</Notice>
      )}
      {loaded && shown.length === 0 ? (
        <p className="muted">No printers here yet.</p>
      ) : (
        <ul className="camera-wall" aria-label="Camera wall">
          {shown.map((printer) => (
            <Tile
              key={printer.id}
              store={tiles}
              printerId={printer.id}
              name={printer.name}
              to={`/orgs/${org.id}/printers/${printer.id}?live=1`}
            />
          ))}
        </ul>
      )}
    </div>
  );
}
