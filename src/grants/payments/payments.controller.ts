import { reprDigest } from '../../common/content-disposition';
import { Body, Controller, Get, HttpCode, Param, Post, Put, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Actor } from '../../common/actor';
import { CurrentActor, RequirePermission } from '../../common/decorators';
import { ApiPage, ApiProblems } from '../../common/openapi';
import { Page } from '../../common/pagination';
import { IdempotentRequest } from '../../database/idempotency';
import { AccessFirst } from '../../identity/access/access-gate';
import { GrantPolicy } from '../grant.policy';
import {
  ConfirmReclaimDto,
  CreateExportDto,
  MarkPaidDto,
  MarkReturnedDto,
  NoteDto,
  PayeeDto,
  PaymentListQuery,
  PlanChangeDto,
  RaiseReclaimDto,
  ReasonDto,
  ReclaimLetterQuery,
  RepaymentDto,
} from './dto/payments.dto';
import { PayeeResultView, PaymentExportListView, PaymentExportView, PaymentView, PlanChangeView, ReclaimView } from './dto/payments.views';
import { Idempotency, IdempotentRoute, reply } from './idempotent-route';
import { PaymentPolicy } from './payment.policy';
import { PaymentExports } from './payment-exports.service';
import { PaymentsService } from './payments.service';
import { ReclaimPolicy } from './reclaim.policy';
import { ReclaimsService } from './reclaims.service';

function file(
  res: Response,
  f: { stream: import('node:stream').Readable; contentType: string; filename: string; sha256: string },
  inline: boolean,
) {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Repr-Digest', reprDigest(f.sha256));
  return new StreamableFile(f.stream, {
    type: f.contentType,
    disposition: `${inline ? 'inline' : 'attachment'}; filename="${f.filename}"`,
  });
}

@ApiTags('payments')
@Controller()
export class PaymentsController {
  constructor(
    private readonly payments: PaymentsService,
    private readonly exports: PaymentExports,
    private readonly reclaims: ReclaimsService,
  ) {}

  // ------------------------------------------------------------ exports (before payments/:id)

  @Post('payments/exports')
  @RequirePermission('payments:attest')
  @IdempotentRoute()
  @ApiOperation({
    summary:
      'Take the approved payments (all, or those of one call) into a batch for the accounting system; they are marked sent in the same transaction',
  })
  @ApiCreatedResponse({ type: PaymentExportView })
  async createExport(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateExportDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PaymentExportView> {
    return reply(res, await this.exports.create(actor, dto, idem));
  }

  @Get('payments/exports')
  @RequirePermission('payments:read')
  @ApiOperation({ summary: 'The latest export batches, newest first' })
  @ApiOkResponse({ type: PaymentExportListView })
  async listExports(@CurrentActor() actor: Actor): Promise<PaymentExportListView> {
    return { items: await this.exports.list(actor) };
  }

  @Get('payments/exports/:id')
  @RequirePermission('payments:read')
  @ApiOperation({ summary: 'An export batch and its lines' })
  @ApiOkResponse({ type: PaymentExportView })
  @ApiProblems(404)
  getExport(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<PaymentExportView> {
    return this.exports.get(actor, id);
  }

  @Get('payments/exports/:id/csv')
  @RequirePermission('payments:read')
  @ApiOperation({ summary: 'The batch as CSV (UTF-8, header row), the same bytes every time' })
  @ApiProduces('text/csv')
  @ApiOkResponse({ description: 'the batch', content: { 'text/csv': { schema: { type: 'string' } } } })
  @ApiProblems(404)
  async exportCsv(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    return file(res, await this.exports.open(actor, id, 'csv'), false);
  }

  @Get('payments/exports/:id/xlsx')
  @RequirePermission('payments:read')
  @ApiOperation({ summary: 'The batch as XLSX, the same bytes every time' })
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({
    description: 'the batch',
    content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: { type: 'string', format: 'binary' } } },
  })
  @ApiProblems(404)
  async exportXlsx(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    return file(res, await this.exports.open(actor, id, 'xlsx'), false);
  }

  // ------------------------------------------------------------ payments

  @Get('payments')
  @RequirePermission('payments:read')
  @ApiOperation({ summary: 'Payments, latest change first: status=ATTESTED awaits approval, status=APPROVED awaits export' })
  @ApiPage(PaymentView)
  list(@CurrentActor() actor: Actor, @Query() q: PaymentListQuery): Promise<Page<PaymentView>> {
    return this.payments.list(actor, q) as Promise<Page<PaymentView>>;
  }

  @Get('payments/:id')
  @RequirePermission('payments:read')
  @ApiOperation({ summary: 'A payment (one tranche of a grant, one attempt)' })
  @ApiOkResponse({ type: PaymentView })
  @ApiProblems(404)
  get(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<PaymentView> {
    return this.payments.get(actor, id) as Promise<PaymentView>;
  }

  @Post('payments/:id/attest')
  @HttpCode(200)
  @RequirePermission('payments:attest')
  @IdempotentRoute()
  @ApiOperation({
    summary: "Attest a payable payment (officer): the grant's payee is fixed on it; refused while a report of the grant is overdue",
  })
  @ApiOkResponse({ type: PaymentView })
  @ApiProblems(404, 409)
  async attest(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PaymentView> {
    return reply(res, await this.payments.attest(actor, id, idem)) as PaymentView;
  }

  @Post('payments/:id/approve')
  @HttpCode(200)
  @RequirePermission('payments:approve')
  @IdempotentRoute()
  @ApiOperation({ summary: 'Approve an attested payment (approver; never the one who attested it)' })
  @ApiOkResponse({ type: PaymentView })
  @ApiProblems(404, 409)
  async approve(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PaymentView> {
    return reply(res, await this.payments.approve(actor, id, idem)) as PaymentView;
  }

  @Post('payments/:id/send-back')
  @HttpCode(200)
  @RequirePermission('payments:approve')
  @AccessFirst(PaymentPolicy, 'approve')
  @IdempotentRoute()
  @ApiOperation({ summary: 'Send an attested payment back to the officer with a reason (payable again)' })
  @ApiOkResponse({ type: PaymentView })
  @ApiProblems(404, 409)
  async sendBack(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: ReasonDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PaymentView> {
    return reply(res, await this.payments.sendBack(actor, id, dto.reason, idem)) as PaymentView;
  }

  @Post('payments/:id/mark-paid')
  @HttpCode(200)
  @RequirePermission('payments:attest')
  @AccessFirst(PaymentPolicy, 'attest')
  @IdempotentRoute()
  @ApiOperation({ summary: 'Record that the bank paid a sent payment' })
  @ApiOkResponse({ type: PaymentView })
  @ApiProblems(404, 409)
  async markPaid(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: MarkPaidDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PaymentView> {
    return reply(res, await this.payments.markPaid(actor, id, dto, idem)) as PaymentView;
  }

  @Post('payments/:id/mark-failed')
  @HttpCode(200)
  @RequirePermission('payments:attest')
  @AccessFirst(PaymentPolicy, 'attest')
  @IdempotentRoute()
  @ApiOperation({ summary: 'Record that the bank could not pay a sent payment, with the reason' })
  @ApiOkResponse({ type: PaymentView })
  @ApiProblems(404, 409)
  async markFailed(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: ReasonDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PaymentView> {
    return reply(res, await this.payments.markFailed(actor, id, dto.reason, idem)) as PaymentView;
  }

  @Post('payments/:id/retry')
  @HttpCode(200)
  @RequirePermission('payments:attest')
  @AccessFirst(PaymentPolicy, 'attest')
  @IdempotentRoute()
  @ApiOperation({ summary: 'The cause of a failure is fixed: the payment is payable again (attested and approved anew)' })
  @ApiOkResponse({ type: PaymentView })
  @ApiProblems(404, 409)
  async retry(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: ReasonDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PaymentView> {
    return reply(res, await this.payments.retry(actor, id, dto.reason, idem)) as PaymentView;
  }

  @Post('payments/:id/mark-returned')
  @HttpCode(200)
  @RequirePermission('payments:attest')
  @AccessFirst(PaymentPolicy, 'attest')
  @IdempotentRoute()
  @ApiOperation({
    summary: 'The bank returned a paid payment: it is marked returned with the reason, and its tranche gets a new payment, payable again',
  })
  @ApiOkResponse({ type: PaymentView })
  @ApiProblems(404, 409)
  async markReturned(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: MarkReturnedDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PaymentView> {
    return reply(res, await this.payments.markReturned(actor, id, dto, idem)) as PaymentView;
  }

  // ------------------------------------------------------------ payee and plan of a grant

  @Put('grants/:id/payee')
  @HttpCode(200)
  @RequirePermission('grants:accept')
  @AccessFirst(GrantPolicy, 'accept')
  @IdempotentRoute()
  @ApiOperation({
    summary:
      "The lead municipality registers its organisation number and account (MOD11): the first registration holds at once, a change waits for an officer's confirmation",
  })
  @ApiOkResponse({ type: PayeeResultView })
  @ApiProblems(404, 409)
  async putPayee(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: PayeeDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PayeeResultView> {
    return reply(res, await this.payments.registerPayee(actor, id, dto, idem));
  }

  @Post('grants/:id/payee/confirm')
  @HttpCode(200)
  @RequirePermission('grants:manage')
  @AccessFirst(GrantPolicy, 'manage')
  @IdempotentRoute()
  @ApiOperation({ summary: 'An officer confirms the change of payee the lead municipality asked for' })
  @ApiOkResponse({ type: PayeeResultView })
  @ApiProblems(404, 409)
  async confirmPayee(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: NoteDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PayeeResultView> {
    return reply(res, await this.payments.decidePayee(actor, id, true, dto.note, idem));
  }

  @Post('grants/:id/payee/reject')
  @HttpCode(200)
  @RequirePermission('grants:manage')
  @AccessFirst(GrantPolicy, 'manage')
  @IdempotentRoute()
  @ApiOperation({ summary: 'An officer refuses the change of payee (the registered payee stays)' })
  @ApiOkResponse({ type: PayeeResultView })
  @ApiProblems(404, 409)
  async rejectPayee(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: NoteDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PayeeResultView> {
    return reply(res, await this.payments.decidePayee(actor, id, false, dto.note, idem));
  }

  @Post('grants/:id/payment-plan/changes')
  @RequirePermission('grants:manage')
  @AccessFirst(GrantPolicy, 'manage')
  @IdempotentRoute()
  @ApiOperation({ summary: 'An officer proposes another payment plan for the grant, before its first payment, with a reason' })
  @ApiCreatedResponse({ type: PlanChangeView })
  @ApiProblems(404, 409)
  async proposePlan(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: PlanChangeDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PlanChangeView> {
    return reply(res, await this.payments.proposePlan(actor, id, dto, idem));
  }

  @Post('grants/:id/payment-plan/confirm')
  @HttpCode(200)
  @RequirePermission('payments:approve')
  @IdempotentRoute()
  @ApiOperation({ summary: 'The approver (not the proposer) confirms the proposed plan: the tranches not yet attested are replaced' })
  @ApiOkResponse({ type: PlanChangeView })
  @ApiProblems(404, 409)
  async confirmPlan(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: NoteDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PlanChangeView> {
    return reply(res, await this.payments.decidePlan(actor, id, true, dto.note, idem));
  }

  @Post('grants/:id/payment-plan/reject')
  @HttpCode(200)
  @RequirePermission('payments:approve')
  @IdempotentRoute()
  @ApiOperation({ summary: 'The approver refuses the proposed plan' })
  @ApiOkResponse({ type: PlanChangeView })
  @ApiProblems(404, 409)
  async rejectPlan(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: NoteDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<PlanChangeView> {
    return reply(res, await this.payments.decidePlan(actor, id, false, dto.note, idem));
  }

  // ------------------------------------------------------------ reclaims

  @Post('grants/:id/reclaims')
  @RequirePermission('payments:attest')
  @IdempotentRoute()
  @ApiOperation({
    summary:
      'Raise a reclaim (misuse, conditions broken …): at most what was paid less earlier reclaims; the demand letter goes out at once, journaled and mailed',
  })
  @ApiCreatedResponse({ type: ReclaimView })
  @ApiProblems(404, 409)
  async raiseReclaim(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: RaiseReclaimDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReclaimView> {
    return reply(res, await this.reclaims.raise(actor, id, dto, idem));
  }

  @Get('reclaims/:id')
  @RequirePermission('grants:read')
  @ApiOperation({ summary: 'A reclaim, its repayments and its letter' })
  @ApiOkResponse({ type: ReclaimView })
  @ApiProblems(404)
  getReclaim(@CurrentActor() actor: Actor, @Param('id') id: string): Promise<ReclaimView> {
    return this.reclaims.get(actor, id);
  }

  @Get('reclaims/:id/letter')
  @RequirePermission('grants:read')
  @ApiOperation({ summary: 'The demand letter as sent: PDF/A-2b (default) or HTML' })
  @ApiProduces('application/pdf', 'text/html')
  @ApiOkResponse({
    description: 'the letter',
    content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } }, 'text/html': { schema: { type: 'string' } } },
  })
  @ApiProblems(400, 404)
  async reclaimLetter(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Query() q: ReclaimLetterQuery,
    @Res({ passthrough: true }) res: Response,
  ): Promise<StreamableFile> {
    return file(res, await this.reclaims.letter(actor, id, q.format ?? 'pdf'), true);
  }

  @Post('reclaims/:id/confirm')
  @HttpCode(200)
  @RequirePermission('payments:attest')
  @AccessFirst(ReclaimPolicy, 'manage')
  @IdempotentRoute()
  @ApiOperation({ summary: "Confirm the final settlement's proposed reclaim with a due date: the demand letter goes out" })
  @ApiOkResponse({ type: ReclaimView })
  @ApiProblems(404, 409)
  async confirmReclaim(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: ConfirmReclaimDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReclaimView> {
    return reply(res, await this.reclaims.confirm(actor, id, dto.dueOn, idem));
  }

  @Post('reclaims/:id/dismiss')
  @HttpCode(200)
  @RequirePermission('payments:attest')
  @AccessFirst(ReclaimPolicy, 'manage')
  @IdempotentRoute()
  @ApiOperation({ summary: "Dismiss the final settlement's proposed reclaim, with the reason" })
  @ApiOkResponse({ type: ReclaimView })
  @ApiProblems(404, 409)
  async dismissReclaim(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: ReasonDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReclaimView> {
    return reply(res, await this.reclaims.dismiss(actor, id, dto.reason, idem));
  }

  @Post('reclaims/:id/repayments')
  @HttpCode(200)
  @RequirePermission('payments:attest')
  @AccessFirst(ReclaimPolicy, 'manage')
  @IdempotentRoute()
  @ApiOperation({ summary: 'Record money paid back, in full or in part (in full, the reclaim is REPAID)' })
  @ApiOkResponse({ type: ReclaimView })
  @ApiProblems(404, 409)
  async repayment(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: RepaymentDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReclaimView> {
    return reply(res, await this.reclaims.repayment(actor, id, dto, idem));
  }

  @Post('reclaims/:id/write-off')
  @HttpCode(200)
  @RequirePermission('payments:attest')
  @AccessFirst(ReclaimPolicy, 'manage')
  @IdempotentRoute()
  @ApiOperation({ summary: 'Propose writing off what is left of the reclaim, with the reason (an approver confirms)' })
  @ApiOkResponse({ type: ReclaimView })
  @ApiProblems(404, 409)
  async proposeWriteOff(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: ReasonDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReclaimView> {
    return reply(res, await this.reclaims.proposeWriteOff(actor, id, dto.reason, idem));
  }

  @Post('reclaims/:id/write-off/confirm')
  @HttpCode(200)
  @RequirePermission('payments:approve')
  @AccessFirst(ReclaimPolicy, 'approve')
  @IdempotentRoute()
  @ApiOperation({ summary: 'The approver (not who proposed it) writes off what is left' })
  @ApiOkResponse({ type: ReclaimView })
  @ApiProblems(404, 409)
  async confirmWriteOff(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: NoteDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReclaimView> {
    return reply(res, await this.reclaims.decideWriteOff(actor, id, true, dto.note, idem));
  }

  @Post('reclaims/:id/write-off/reject')
  @HttpCode(200)
  @RequirePermission('payments:approve')
  @AccessFirst(ReclaimPolicy, 'approve')
  @IdempotentRoute()
  @ApiOperation({ summary: 'The approver refuses the write-off: the reclaim is demanded again' })
  @ApiOkResponse({ type: ReclaimView })
  @ApiProblems(404, 409)
  async rejectWriteOff(
    @CurrentActor() actor: Actor,
    @Param('id') id: string,
    @Body() dto: NoteDto,
    @Idempotency() idem: IdempotentRequest | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<ReclaimView> {
    return reply(res, await this.reclaims.decideWriteOff(actor, id, false, dto.note, idem));
  }
}
