/**
 * The frame every e-mail shares: brand header, "documents will follow" notice, body, attachment list, footer.
 * Responsive through MJML (one 600 px column that shrinks on phones); colours pass WCAG AA on white.
 */
export const mjmlLayout = (body: string): string => `<mjml lang="fr" dir="ltr">
  <mj-head>
    <mj-title>{{emailSubject}}</mj-title>
    <mj-preview>{{preheader}}</mj-preview>
    <mj-attributes>
      <mj-all font-family="'Helvetica Neue', Helvetica, Arial, sans-serif" />
      <mj-text font-size="15px" line-height="24px" color="#1f2937" padding="6px 28px" />
      <mj-table font-size="14px" line-height="22px" color="#1f2937" padding="8px 28px" />
      <mj-button background-color="#1e3a8a" color="#ffffff" font-size="15px" font-weight="600"
        border-radius="6px" inner-padding="12px 26px" padding="14px 28px" />
    </mj-attributes>
    <mj-style inline="inline">
      .label { color: #6b7280; padding: 5px 14px 5px 0; vertical-align: top; width: 38%; }
      .value { padding: 5px 0; font-weight: 600; vertical-align: top; }
      .row td { border-bottom: 1px solid #eef0f3; }
      a { color: #1e3a8a; }
    </mj-style>
  </mj-head>
  <mj-body background-color="#f4f5f7" width="600px">
    <mj-wrapper padding="24px 0 0 0">
    <mj-section background-color="#1e3a8a" border-radius="8px 8px 0 0" padding="18px 0">
      <mj-column>
        <mj-text color="#ffffff" font-size="20px" font-weight="700" line-height="26px">{{brandName}}</mj-text>
      </mj-column>
    </mj-section>
    <mj-raw>{{#documentsMissing}}</mj-raw>
    <mj-section background-color="#fff7ed" padding="10px 0">
      <mj-column>
        <mj-text color="#9a3412" font-size="14px" line-height="21px">
          <strong>Documents à suivre :</strong> les documents (PDF) n'ont pas encore pu être joints à ce message.
          Ils vous seront envoyés dans un prochain e-mail.
        </mj-text>
      </mj-column>
    </mj-section>
    <mj-raw>{{/documentsMissing}}</mj-raw>
    <mj-section background-color="#ffffff" border-radius="0 0 8px 8px" padding="18px 0 26px 0">
      <mj-column>
${body}
        <mj-raw>{{#hasAttachments}}</mj-raw>
        <mj-text font-size="13px" line-height="20px" color="#6b7280" padding-top="14px">
          Pièces jointes : {{attachmentList}}
        </mj-text>
        <mj-raw>{{/hasAttachments}}</mj-raw>
      </mj-column>
    </mj-section>
    <mj-section padding="16px 0 28px 0">
      <mj-column>
        <mj-text font-size="12px" line-height="18px" color="#6b7280" align="center">
          {{brandName}} · Ce message est envoyé automatiquement, merci de ne pas y répondre directement.
        </mj-text>
      </mj-column>
    </mj-section>
    </mj-wrapper>
  </mj-body>
</mjml>`;

export const textLayout = (body: string): string => `{{brandName}}
{{#documentsMissing}}

DOCUMENTS À SUIVRE : les documents (PDF) n'ont pas encore pu être joints à ce message. Ils vous seront envoyés dans un prochain e-mail.
{{/documentsMissing}}

${body.trim()}
{{#hasAttachments}}

Pièces jointes : {{attachmentList}}
{{/hasAttachments}}

--
{{brandName}} · Ce message est envoyé automatiquement, merci de ne pas y répondre directement.
`;
