import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router';
import type { WeaponLinks as Links } from '../../intelligence/schemas.ts';
import { request } from '../api/client.ts';
import { ErrorNotice, Loading } from '../ui/notice.tsx';

type Element = { data: Record<string, string | number>; classes?: string; position?: { x: number; y: number } };

/**
 * The graph's nodes and edges: the gun in the middle, its purchaser and dealer around it, and the linked guns outside,
 * each tied to the purchaser or dealer it shares, or straight to the gun (case, serial sequence: one edge, one label).
 */
function elementsOf(links: Links, labels: { thisGun: string; via: (via: string) => string }): Element[] {
  const elements: Element[] = [
    { data: { id: 'gun', label: labels.thisGun }, classes: 'gun', position: { x: 0, y: 0 } },
  ];
  if (links.purchaser) {
    elements.push({
      data: { id: 'purchaser', label: `${links.purchaser.firstName} ${links.purchaser.lastName}` },
      classes: 'person',
      position: { x: -170, y: 0 },
    });
    elements.push({ data: { id: 'e-purchaser', source: 'gun', target: 'purchaser', label: '' } });
  }
  if (links.dealer) {
    elements.push({ data: { id: 'dealer', label: links.dealer.name }, classes: 'dealer', position: { x: 170, y: 0 } });
    elements.push({ data: { id: 'e-dealer', source: 'gun', target: 'dealer', label: '' } });
  }
  const direct = new Map<string, string[]>();
  for (const link of links.related) {
    const node = `w-${link.weaponId}`;
    if (!elements.some((element) => element.data.id === node)) {
      elements.push({ data: { id: node, label: link.reference, weaponId: link.weaponId }, classes: 'linked' });
    }
    const hub =
      link.via === 'purchaser' && links.purchaser
        ? 'purchaser'
        : link.via === 'dealer' && links.dealer
          ? 'dealer'
          : undefined;
    if (hub) elements.push({ data: { id: `e-${hub}-${link.weaponId}`, source: hub, target: node, label: '' } });
    else direct.set(node, [...(direct.get(node) ?? []), labels.via(link.via)]);
  }
  for (const [node, vias] of direct)
    elements.push({
      data: { id: `e-gun-${node}`, source: 'gun', target: node, label: vias.join(' · ') },
      classes: 'direct',
    });
  // The linked guns on an ellipse around the three (the graph is wider than tall), evenly spaced, the first at the top.
  const linked = elements.filter((element) => element.classes === 'linked');
  const grow = Math.max(1, linked.length / 16);
  linked.forEach((element, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / linked.length;
    element.position = { x: Math.round(360 * grow * Math.cos(angle)), y: Math.round(130 * grow * Math.sin(angle)) };
  });
  return elements;
}

/** The link graph, drawn by cytoscape (loaded with the first graph shown); a node of a linked gun opens that gun. */
function LinkGraph({ links, label }: { links: Links; label: string }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let destroyed = false;
    let destroy = () => undefined as void;
    void import('cytoscape').then(({ default: cytoscape }) => {
      if (destroyed || !container.current) return;
      const graph = cytoscape({
        container: container.current,
        elements: elementsOf(links, { thisGun: t('links.thisGun'), via: (via) => t(`linkVia.${via as 'case'}`) }),
        layout: { name: 'preset', padding: 40 },
        maxZoom: 1.5,
        style: [
          {
            selector: 'node',
            style: {
              label: 'data(label)',
              'font-size': 12,
              'text-valign': 'bottom',
              'text-margin-y': 5,
              'background-color': '#5b6b7f',
              width: 22,
              height: 22,
              'text-background-color': '#ffffff',
              'text-background-opacity': 0.85,
              'text-background-padding': '2px',
            },
          },
          { selector: '.gun', style: { 'background-color': '#0b4f8a', width: 34, height: 34, 'font-weight': 'bold' } },
          { selector: '.person', style: { 'background-color': '#a33d00', shape: 'round-rectangle' } },
          { selector: '.dealer', style: { 'background-color': '#6b4e00', shape: 'diamond' } },
          { selector: '.linked', style: { 'background-color': '#3d7a3d' } },
          { selector: 'edge', style: { width: 1.5, 'line-color': '#98a2ad', 'curve-style': 'bezier' } },
          {
            selector: 'edge.direct',
            style: {
              label: 'data(label)',
              'font-size': 10,
              'line-style': 'dashed',
              'text-background-color': '#ffffff',
              'text-background-opacity': 0.85,
              'text-rotation': 'none',
            },
          },
        ],
      });
      graph.on('tap', 'node.linked', (event) => void navigate(`/weapons/${event.target.data('weaponId') as string}`));
      destroy = () => graph.destroy();
    });
    return () => {
      destroyed = true;
      destroy();
    };
  }, [links, navigate, t]);
  return <div className="link-graph" ref={container} role="img" aria-label={label} data-testid="link-graph" />;
}

/** A gun's ties to other guns: the graph, and the same links as a list for keyboard and screen-reader users. */
export function WeaponLinks({ weaponId }: { weaponId: string }) {
  const { t } = useTranslation();
  const links = useQuery({
    queryKey: ['weapon-links', weaponId],
    queryFn: () => request<Links>(`/weapons/${weaponId}/links`),
  });
  if (links.isPending) return <Loading />;
  if (links.error) return <ErrorNotice error={links.error} />;
  const { purchaser, dealer, related } = links.data;
  const guns = new Set(related.map((link) => link.weaponId)).size;
  return (
    <div role="region" aria-labelledby="links-title" data-testid="weapon-links">
      <h2 id="links-title">{t('links.title')}</h2>
      <p className="hint">{t('links.lead')}</p>
      <dl className="facts">
        <dt>{t('links.purchaser')}</dt>
        <dd>{purchaser ? `${purchaser.firstName} ${purchaser.lastName}` : '—'}</dd>
        <dt>{t('links.dealer')}</dt>
        <dd>{dealer ? `${dealer.name} (${dealer.licenseNumber})` : '—'}</dd>
      </dl>
      {related.length === 0 ? (
        <p>{t('links.none')}</p>
      ) : (
        <>
          <LinkGraph
            links={links.data}
            label={t('links.graphLabel', {
              purchaser: purchaser
                ? `${t('links.purchaser')} ${purchaser.firstName} ${purchaser.lastName}`
                : t('links.noPurchaser'),
              dealer: dealer ? `${t('links.dealer')} ${dealer.name}` : t('links.noDealer'),
              count: guns,
            })}
          />
          <h3>{t('links.list')}</h3>
          <table data-testid="links-list">
            <thead>
              <tr>
                <th>{t('links.via')}</th>
                <th>{t('links.trace')}</th>
                <th>{t('links.gun')}</th>
              </tr>
            </thead>
            <tbody>
              {related.map((link) => (
                <tr key={`${link.via}-${link.weaponId}`}>
                  <td>{t(`linkVia.${link.via}`)}</td>
                  <td>{link.reference}</td>
                  <td>
                    <Link to={`/weapons/${link.weaponId}`} aria-label={t('links.open', { reference: link.reference })}>
                      {t('links.open', { reference: link.reference })}
                    </Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}
