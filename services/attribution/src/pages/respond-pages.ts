import type { RejectionCode } from '../domain/errors.ts';
import type { LinkAction } from '../domain/link-token.ts';
import type { MissionSummary } from '../handlers/answer-proposal.ts';
import {
  formatEuros,
  formatKm,
  formatLocalDate,
  formatParisDateTime,
  formatTimeWindow,
  serviceLabel,
} from './french-format.ts';
import { html, page, type SafeHtml } from './html.ts';

export interface RenderedPage {
  status: number;
  body: string;
}

/** The restricted mission summary: initials, cities, date, service, estimated amount (never more). */
export const missionDetails = (summary: MissionSummary): SafeHtml => {
  const b = summary.booking;
  return html`<dl>
<dt>Référence</dt><dd>${b.reference}</dd>
<dt>Prestation</dt><dd>${serviceLabel(b.serviceType)}</dd>
<dt>Date</dt><dd>${formatLocalDate(b.schedule.date)}</dd>
<dt>Créneau</dt><dd>${formatTimeWindow(b.schedule.startTime, b.schedule.endTime)}</dd>
<dt>Client</dt><dd>${b.customerInitials}</dd>
<dt>${b.deliveryCity ? 'Départ' : 'Ville'}</dt><dd>${b.pickupCity}</dd>
${b.deliveryCity ? html`<dt>Arrivée</dt><dd>${b.deliveryCity}</dd>` : null}
<dt>Distance</dt><dd>à ${formatKm(summary.distanceKm)} de chez vous</dd>
<dt>Montant estimé</dt><dd>${formatEuros(b.estimatedAmountCents)} TTC</dd>
</dl>`;
};

/**
 * The page a link opens: the summary and ONE button, a form POST carrying the token in its body. Opening the
 * link changes nothing (mail scanners prefetch links); only the button does.
 */
export const missionPage = (summary: MissionSummary, token: string, action: LinkAction): RenderedPage => {
  const accept = action === 'accept';
  const b = summary.booking;
  const body = html`<h1>${accept ? 'Accepter cette mission ?' : 'Refuser cette mission ?'}</h1>
<p>Bonjour ${summary.companyName},</p>
<p>${accept ? 'Une mission près de chez vous vous est proposée.' : 'Vous pouvez décliner cette mission : elle sera proposée à d’autres professionnels.'}</p>
${b.urgent ? html`<p><span class="badge">Mission urgente</span></p>` : null}
${missionDetails(summary)}
${summary.respondBy ? html`<p class="deadline">Réponse attendue avant le ${formatParisDateTime(summary.respondBy)}.</p>` : null}
<form method="post" action="respond">
<input type="hidden" name="token" value="${token}">
<input type="hidden" name="action" value="${action}">
<button type="submit" class="${accept ? 'accept' : 'refuse'}">${accept ? 'Accepter la mission' : 'Refuser la mission'}</button>
</form>
<p class="note">${accept ? 'La première acceptation l’emporte. Les coordonnées complètes du client vous seront envoyées par e-mail dès que la mission vous sera attribuée.' : 'Votre refus est définitif pour cette mission.'}</p>`;
  return { status: 200, body: page({ title: accept ? 'Accepter la mission' : 'Refuser la mission', body }) };
};

export const acceptedPage = (summary: MissionSummary): RenderedPage => ({
  status: 200,
  body: page({
    title: 'Mission acceptée',
    tone: 'ok',
    body: html`<h1>Mission acceptée</h1>
<p>Merci ${summary.companyName} ! La mission ${summary.booking.reference} du ${formatLocalDate(summary.booking.schedule.date)} vous est attribuée.</p>
<p>Vous allez recevoir un e-mail avec les coordonnées complètes du client et les documents de la mission.</p>
${missionDetails(summary)}`,
  }),
});

export const refusedPage = (summary: MissionSummary): RenderedPage => ({
  status: 200,
  body: page({
    title: 'Refus enregistré',
    body: html`<h1>Refus enregistré</h1>
<p>Merci de nous avoir répondu. La mission ${summary.booking.reference} sera proposée à d’autres professionnels.</p>`,
  }),
});

const RESULT_TEXTS: Record<
  RejectionCode | 'invalid' | 'used' | 'rate_limited' | 'unavailable',
  { status: number; title: string; message: string }
> = {
  already_assigned: {
    status: 409,
    title: 'Mission déjà attribuée',
    message:
      'Un autre professionnel a accepté cette mission avant vous. Merci de votre réactivité : d’autres missions vous seront proposées prochainement.',
  },
  already_accepted: {
    status: 409,
    title: 'Mission déjà acceptée',
    message: 'Vous avez déjà accepté cette mission : elle vous est attribuée.',
  },
  already_refused: {
    status: 409,
    title: 'Refus déjà enregistré',
    message: 'Vous avez déjà refusé cette mission. Elle a été proposée à d’autres professionnels.',
  },
  expired: {
    status: 410,
    title: 'Lien expiré',
    message: 'Le délai pour répondre à cette proposition est dépassé. La mission n’est plus disponible.',
  },
  cancelled: {
    status: 410,
    title: 'Mission annulée',
    message: 'Le client a annulé cette prestation. Vous n’avez rien à faire.',
  },
  unknown_attribution: {
    status: 404,
    title: 'Mission introuvable',
    message: 'Cette mission n’existe pas ou plus. Vérifiez le lien reçu par e-mail.',
  },
  not_proposed: {
    status: 403,
    title: 'Lien invalide',
    message: 'Cette mission ne vous a pas été proposée avec ce lien.',
  },
  invalid: {
    status: 400,
    title: 'Lien invalide',
    message:
      'Ce lien n’est pas valide. Vérifiez que vous avez bien ouvert l’adresse complète reçue par e-mail.',
  },
  used: {
    status: 409,
    title: 'Lien déjà utilisé',
    message:
      'Ce lien a déjà servi : votre réponse a été prise en compte. Il ne peut pas être utilisé une seconde fois.',
  },
  unavailable: {
    status: 503,
    title: 'Erreur momentanée',
    message: 'Votre réponse n’a pas pu être enregistrée. Merci de réessayer dans quelques instants.',
  },
  rate_limited: {
    status: 429,
    title: 'Trop de tentatives',
    message:
      'Vous avez fait trop de demandes en peu de temps. Merci de patienter une minute avant de réessayer.',
  },
};

export type ResultKind = keyof typeof RESULT_TEXTS;

/** Every page that says why nothing happened, with its HTTP status (4xx: the link did not work). */
export const resultPage = (kind: ResultKind, summary?: MissionSummary | null): RenderedPage => {
  const text = RESULT_TEXTS[kind];
  return {
    status: text.status,
    body: page({
      title: text.title,
      tone: 'ko',
      body: html`<h1>${text.title}</h1><p>${text.message}</p>${
        summary && kind === 'already_accepted' ? missionDetails(summary) : null
      }`,
    }),
  };
};
